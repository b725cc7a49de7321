/**
 * @jsxRuntime classic
 * @jsx h
 */
import { Component, createRef, h } from 'preact';
import { IMAGE_SIZES, type CaptchaResponse } from '../sdk/types.js';
import { CaptchaField } from './components/captcha.js';
import { GallerySection } from './components/gallery-section.js';
import { Icon, ICONS } from './components/icon.js';
import { Options, type OptionValues } from './components/options.js';
import { Output } from './components/output.js';
import { ProblemView } from './components/problem.js';
import { PromptField } from './components/prompt.js';
import { Segmented } from './components/segmented.js';
import { Controller, type ControllerHost } from './controller.js';
import { emitterFor } from './events.js';
import { focusTarget, problemOf, type Problem } from './problems.js';
import { challengeOf, isCaptchaLoading, type Picture, type State } from './state.js';
import type { History } from './history.js';
import { hasHistory, THEMES, type ThemeChoice } from './storage.js';
import type { Strings } from './i18n.js';
import { ENGLISH, loadStrings, matchLanguage, stringsReady } from './languages.js';
import { loadOnDemand, type OnDemand } from './on-demand-loader.js';
import { adoptStyles } from './stylesheet.js';
import type { CaptchaAudio } from './audio.js';

export interface AppProps {
  api: string;
  theme: ThemeChoice;
  /** BCP 47 tags in order of preference (the element's `lang`, the browser's or the page's). */
  languages: readonly string[];
  host: HTMLElement;
  /** The visitor picked a theme in the widget. */
  onTheme: (theme: ThemeChoice) => void;
  storage: Storage | undefined;
}

type Invalid = 'prompt' | 'answer' | undefined;

interface AppState {
  widget: State;
  /** The language shown: English until the one asked for has arrived. */
  strings: Strings;
  /** Loaded on first interaction: generation, listening, the larger view. */
  parts?: OnDemand;
  /** The language the last spoken captcha was in. */
  spokenIn?: string;
  /** The text of the aria-live region. */
  announcement: string;
  prompt: string;
  options: OptionValues;
  /** An answer belongs to one challenge: a spent challenge's answer means nothing for the next. */
  typed: { challenge?: CaptchaResponse; text: string };
  invalid: Invalid;
  /** Why the spoken version of this challenge could not be played. */
  audioProblem?: { challenge: CaptchaResponse; problem: Problem };
  /** The picture that could not be copied to the clipboard. */
  copyFailedFor?: Picture;
  /** The last image made: it stays on screen through errors and new captchas. */
  shown?: Picture;
}

const THEME_ICONS = { auto: ICONS.auto, light: ICONS.sun, dark: ICONS.moon };

/**
 * The whole widget. One class holds all state (the request flow lives in Controller); the parts
 * below it are plain functions of their props, so the bundle needs no hooks.
 */
export class App extends Component<AppProps, AppState> {
  /** Pictures from an earlier visit: the gallery (on demand) is fetched at once to show them. */
  readonly #hadHistory = hasHistory(this.props.storage);
  readonly #emit = emitterFor(this.props.host);
  #audio: CaptchaAudio | undefined;
  readonly #system = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;
  readonly #refs = {
    prompt: createRef<HTMLTextAreaElement>(),
    answer: createRef<HTMLInputElement>(),
    generate: createRef<HTMLButtonElement>(),
    cancel: createRef<HTMLButtonElement>(),
    output: createRef<HTMLHeadingElement>(),
    gallery: createRef<HTMLHeadingElement>(),
  };
  /** The theme the current captcha was drawn for. */
  #dark = false;
  #controller = new Controller(this.props.api, () => this.#controllerHost());
  #ticker: ReturnType<typeof setInterval> | undefined;
  /** Only a reload the visitor asked for is announced: a new image alone says nothing to a screen reader. */
  #announceChallenge = false;

  override state: AppState = {
    widget: this.#controller.state,
    strings: stringsReady(matchLanguage(this.props.languages)) ?? ENGLISH,
    announcement: '',
    prompt: '',
    options: { ratio: '1:1', negativePrompt: '', seed: '' },
    typed: { text: '' },
    invalid: undefined,
  };

  override componentDidMount(): void {
    this.#system?.addEventListener('change', this.#rerender);
    this.#controller.start();
    this.#showLanguage();
    if (this.#hadHistory) this.#warm();
  }

  override componentWillUnmount(): void {
    this.#system?.removeEventListener('change', this.#rerender);
    this.#controller.stop();
    this.#audio?.drop();
    clearInterval(this.#ticker);
  }

  override componentDidUpdate(previousProps: AppProps, previous: AppState): void {
    if (previousProps.languages.join() !== this.props.languages.join()) this.#showLanguage();
    // A new API address means a new client and session: start over with its captcha.
    if (previousProps.api !== this.props.api) {
      this.#controller.stop();
      this.#controller = new Controller(this.props.api, () => this.#controllerHost());
      this.#controller.start();
    }
    const { widget } = this.state;
    const challenge = challengeOf(widget);
    if (challenge !== challengeOf(previous.widget)) {
      this.#audio?.drop();
      if (challenge && this.#announceChallenge) {
        this.#announceChallenge = false;
        this.#announce(this.#strings().status.newCaptcha);
      }
    }
    this.#focusAfterGeneration(previous.widget);
    // A captcha drawn for the other theme is swapped while nobody has started answering it.
    if (this.#dark !== this.#isDark() && widget.name === 'ready' && !this.#answer()) this.#controller.loadCaptcha();
    // Elapsed time and countdowns tick once a second, only while there is one to show.
    const ticking = widget.name === 'generating' || (widget.name === 'error' && widget.problem.retryAt !== undefined) || this.#exhausted() || this.state.audioProblem?.problem.retryAt !== undefined;
    if (ticking && !this.#ticker) {
      this.#ticker = setInterval(this.#rerender, 1000);
    } else if (!ticking && this.#ticker) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }

  /**
   * Moves focus only as a consequence of the visitor's own Generate or Cancel: never on page
   * load, where a guest widget must not steal focus from its host. Runs as the change renders,
   * before anything else can steal it.
   */
  #focusAfterGeneration(previous: State): void {
    const { widget } = this.state;
    if (widget.name === previous.name || (widget.name !== 'generating' && previous.name !== 'generating')) return;
    const refs = this.#refs;
    const target =
      widget.name === 'generating' ? refs.cancel : widget.name === 'done' ? refs.output : widget.name === 'error' ? refs[focusTarget(widget.problem)] : refs.generate;
    target.current?.focus();
  }

  #strings = () => this.state.strings;

  /** Shows the best language for `languages` at once if it is on the page, else once it arrives. */
  #showLanguage(): void {
    const lang = matchLanguage(this.props.languages);
    const strings = stringsReady(lang);
    if (strings) return this.setState({ strings });
    loadStrings(lang).then(
      (loaded) => matchLanguage(this.props.languages) === lang && this.setState({ strings: loaded }),
      () => console.warn(`[imageka] The ${lang} texts could not be loaded from the widget's origin; showing English.`),
    );
  }

  /** The on-demand parts, with their stylesheet added to this widget's shadow root. */
  #loadParts = (): Promise<OnDemand> =>
    loadOnDemand().then((parts) => {
      const root = this.props.host.shadowRoot;
      if (root) adoptStyles(root, parts.ON_DEMAND_STYLES);
      if (!this.state.parts) this.setState({ parts });
      return parts;
    });

  /** The visitor is about to act: fetch what acting needs, so it is there when they do. */
  #warm = () => {
    if (!this.state.parts) this.#loadParts().catch(() => undefined);
  };
  #rerender = () => this.forceUpdate();
  #announce = (announcement: string) => this.setState({ announcement });

  #isDark = () => (this.props.theme === 'auto' ? this.#system?.matches === true : this.props.theme === 'dark');

  /** The API said this client has no images left until its window resets. */
  #exhausted(): boolean {
    const challenge = challengeOf(this.state.widget);
    return challenge?.generationsLeft === 0 && Date.parse(challenge.generationsResetAt) > Date.now();
  }

  #controllerHost = (): ControllerHost => ({
    strings: this.#strings(),
    dark: () => (this.#dark = this.#isDark()),
    emit: this.#emit,
    announce: this.#announce,
    onState: (widget) => this.setState({ widget }),
    // Shown, and handed to the gallery, which keeps it.
    onPicture: (shown) => this.setState({ shown }),
  });

  #submit = () => {
    const { widget, prompt, options } = this.state;
    const answer = this.#answer().trim();
    if (!this.#canGenerate() || widget.name === 'generating') return;
    const text = prompt.trim();
    // The API checks the seed too; an out-of-range one comes back as its own message.
    const seed = options.seed.trim();
    const invalid: Invalid = text === '' ? 'prompt' : answer === '' ? 'answer' : undefined;
    this.setState({ invalid });
    if (invalid) return this.#refs[invalid].current?.focus();
    const negativePrompt = options.negativePrompt.trim();
    // The progress view arrives with the code that generates: both are there when it starts.
    const request = { prompt: text, ...IMAGE_SIZES[options.ratio], ...(negativePrompt ? { negativePrompt } : {}), ...(seed ? { seed: Number(seed) } : {}) };
    void this.#loadParts()
      .catch(() => undefined)
      .then(() => this.#controller.generate(request, answer));
  };

  #answer(): string {
    const { typed, widget } = this.state;
    return typed.challenge === challengeOf(widget) ? typed.text : '';
  }

  #canGenerate(): boolean {
    const { widget } = this.state;
    return challengeOf(widget) !== undefined && !(widget.name === 'error' && widget.problem.retryAt !== undefined) && !this.#exhausted();
  }

  #reload = () => {
    this.#announceChallenge = true;
    this.#controller.loadCaptcha();
  };

  #listen = () => {
    // The visitor types while listening, so the answer field keeps (or gets) the focus.
    this.#refs.answer.current?.focus();
    const { client } = this.#controller;
    const challenge = challengeOf(this.state.widget);
    if (this.#audio?.playing) return this.#audio.stop();
    if (!client || !challenge) return;
    const { lang } = this.state.strings;
    this.#loadParts()
      .then(({ CaptchaAudio }) => (this.#audio ??= new CaptchaAudio(this.#rerender)).play(client, challenge, lang))
      .then(
        (spokenIn) => this.setState({ audioProblem: undefined, ...(spokenIn ? { spokenIn } : {}) }),
        (error: unknown) => {
          const problem = problemOf(error, 'audio');
          this.setState({ audioProblem: { challenge, problem } });
          this.#controller.report(problem);
        },
      );
  };

  #copy = (picture: Picture) =>
    this.#loadParts()
      .then(({ copyImage }) => copyImage(picture.image))
      .then(
        () => this.#announce(this.#strings().copied),
        () => this.setState({ copyFailedFor: picture }),
      );

  #reuse = (picture: Picture) => {
    const { options } = this.state;
    const ratio = (Object.keys(IMAGE_SIZES) as (keyof typeof IMAGE_SIZES)[]).find(
      (key) => IMAGE_SIZES[key].width === picture.width && IMAGE_SIZES[key].height === picture.height,
    );
    this.setState({ prompt: picture.prompt, options: { ...options, ratio: ratio ?? options.ratio, negativePrompt: picture.negativePrompt ?? '' } });
    this.#refs.prompt.current?.focus();
  };

  override render({ theme, onTheme }: AppProps, { widget: state, strings, parts, prompt, options, invalid, announcement, audioProblem, spokenIn }: AppState) {
    const refs = this.#refs;
    const challenge = challengeOf(state);
    const size = IMAGE_SIZES[options.ratio];
    const submit = this.#submit;
    const now = Date.now();
    // Each problem is shown beside the control it is about (where the focus goes, too).
    const problem = state.name === 'error' ? state.problem : undefined;
    const place = problem && focusTarget(problem);
    const problemAt = (target: typeof place) => place === target && <ProblemView strings={strings} problem={problem!} now={now} onRetry={this.#controller.loadCaptcha} />;
    const audio = audioProblem?.challenge === challenge ? audioProblem?.problem : undefined;
    const waitingForCaptcha = (problem?.stage === 'captcha' && (problem.retryAt ?? 0) > now) || (audio?.retryAt ?? 0) > now;
    const exhausted = this.#exhausted() && place !== 'generate';
    const actions = { onReuse: this.#reuse, onCopy: this.#copy, copyFailed: this.state.copyFailedFor };
    return (
      <div class="shell">
        <div
          class="root"
          part="root"
          data-theme={this.#isDark() ? 'dark' : 'light'}
          data-state={state.name}
          lang={strings.lang}
          dir={strings.dir}
          onFocusIn={this.#warm}
          onPointerOver={this.#warm}
        >
          <header class="header" part="header">
            <div>
              <h2 class="title">{strings.title}</h2>
              <p class="muted small">{strings.subtitle}</p>
            </div>
            <Segmented
              name="theme"
              part="theme-switch"
              legend={strings.themeLegend}
              iconOnly
              value={theme}
              onChange={onTheme}
              choices={THEMES.map((choice) => ({ value: choice, label: strings.themes[choice], icon: <Icon path={THEME_ICONS[choice]} /> }))}
            />
          </header>
          <div class="columns">
            <form
              class="form"
              part="form"
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                submit();
              }}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                  event.preventDefault();
                  submit();
                }
              }}
            >
              <PromptField
                strings={strings}
                value={prompt}
                onInput={(text) => this.setState({ prompt: text, invalid: undefined })}
                invalid={invalid === 'prompt'}
                problem={problemAt('prompt')}
                inputRef={refs.prompt}
              />
              <Options strings={strings} values={options} onChange={(values) => this.setState({ options: values })} parts={parts} />
              <CaptchaField
                strings={strings}
                challenge={challenge}
                loading={isCaptchaLoading(state)}
                generating={state.name === 'generating'}
                answer={this.#answer()}
                onAnswer={(text) => this.setState({ typed: { challenge, text }, invalid: undefined })}
                onReload={this.#reload}
                onListen={this.#listen}
                playing={this.#audio?.playing === true}
                spokenElsewhere={spokenIn !== undefined && primary(spokenIn) !== primary(strings.lang)}
                waiting={waitingForCaptcha}
                invalid={invalid === 'answer'}
                problem={problemAt('answer') || (audio && <ProblemView strings={strings} problem={audio} now={now} onRetry={this.#reload} />)}
                answerRef={refs.answer}
              />
              <div class="submit">
                <button
                  type="submit"
                  class="button primary large"
                  part="generate"
                  ref={refs.generate}
                  disabled={state.name === 'generating'}
                  aria-disabled={!this.#canGenerate()}
                  aria-describedby="generate-problem"
                >
                  {strings.generate}
                </button>
                <div id="generate-problem">
                  {problemAt('generate')}
                  {exhausted && (
                    <ProblemView strings={strings} problem={{ kind: 'rate-limited', stage: 'generate', code: 'rate_limited', retryAt: Date.parse(challenge!.generationsResetAt) }} now={now} onRetry={submit} />
                  )}
                </div>
                <p class="hint">
                  {challenge && !exhausted && <span part="left">{strings.left(challenge.generationsLeft)} </span>}
                  <span class="kbd">{strings.shortcut}</span>
                </p>
              </div>
            </form>
            <Output
              state={state}
              strings={strings}
              picture={this.state.shown}
              ratio={size.width / size.height}
              onCancel={this.#controller.cancel}
              actions={actions}
              now={now}
              headingRef={refs.output}
              cancelRef={refs.cancel}
              parts={parts}
            />
          </div>
          {parts ? (
            <parts.Gallery strings={strings} storage={this.props.storage} added={this.state.shown} actions={actions} />
          ) : (
            <GallerySection strings={strings} headingRef={refs.gallery}>
              {!this.#hadHistory && <p class="muted small">{strings.galleryEmpty}</p>}
            </GallerySection>
          )}
          <p class="sr-only" aria-live="polite">
            {announcement}
          </p>
        </div>
      </div>
    );
  }
}

/** `pt-BR` → `pt`. */
const primary = (tag: string) => tag.toLowerCase().split('-')[0];
