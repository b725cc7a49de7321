/**
 * @jsxRuntime classic
 * @jsx h
 */
import { Component, createRef, h } from 'preact';
import { IMAGE_SIZES, type CaptchaResponse } from '../sdk/types.js';
import { CaptchaAudio } from './audio.js';
import { CaptchaField } from './components/captcha.js';
import { Gallery } from './components/gallery.js';
import { Icon } from './components/icon.js';
import { Options, type OptionValues } from './components/options.js';
import { Output } from './components/output.js';
import { ProblemView } from './components/problem.js';
import { PromptField } from './components/prompt.js';
import { Segmented } from './components/segmented.js';
import { Controller, type ControllerHost } from './controller.js';
import { emitterFor } from './events.js';
import { copyImage } from './image.js';
import { focusTarget, problemOf, type Problem } from './problems.js';
import { challengeOf, isCaptchaLoading, type Picture, type State } from './state.js';
import { History, THEMES, type Compressor, type ThemeChoice } from './storage.js';
import { stringsFor } from './strings.js';

export interface AppProps {
  api: string;
  theme: ThemeChoice;
  lang: string;
  host: HTMLElement;
  /** The visitor picked a theme in the widget. */
  onTheme: (theme: ThemeChoice) => void;
  storage: Storage | undefined;
  compress: Compressor;
}

type Invalid = 'prompt' | 'answer' | undefined;

interface AppState {
  widget: State;
  /** The text of the aria-live region. */
  announcement: string;
  pictures: Picture[];
  /** What the last save to history had to say (storage full). */
  notice: string;
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
  /** The history picture open in the larger view. */
  viewing?: Picture;
  /** History as it was before a delete, while Undo is offered. */
  removed?: Picture[];
}

/** How long Undo is offered after a delete. */
const UNDO_MS = 8000;

const THEME_ICONS = { auto: 'auto', light: 'sun', dark: 'moon' } as const;

/**
 * The whole widget. One class holds all state (the request flow lives in Controller); the parts
 * below it are plain functions of their props, so the bundle needs no hooks.
 */
export class App extends Component<AppProps, AppState> {
  readonly #history = new History(this.props.storage, this.props.compress);
  readonly #emit = emitterFor(this.props.host);
  readonly #audio = new CaptchaAudio(() => this.forceUpdate());
  readonly #system = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;
  readonly #refs = {
    prompt: createRef<HTMLTextAreaElement>(),
    answer: createRef<HTMLInputElement>(),
    generate: createRef<HTMLButtonElement>(),
    cancel: createRef<HTMLButtonElement>(),
    output: createRef<HTMLHeadingElement>(),
    gallery: createRef<HTMLHeadingElement>(),
    dialog: createRef<HTMLDialogElement>(),
    undo: createRef<HTMLButtonElement>(),
  };
  /** Where focus goes when the larger view closes: the tile that opened it, unless an action moved on. */
  #opener: HTMLElement | null | undefined;
  #undoTimer: ReturnType<typeof setTimeout> | undefined;
  /** The theme the current captcha was drawn for. */
  #dark = false;
  #controller = new Controller(this.props.api, () => this.#controllerHost());
  #ticker: ReturnType<typeof setInterval> | undefined;
  /** Only a reload the visitor asked for is announced: a new image alone says nothing to a screen reader. */
  #announceChallenge = false;

  override state: AppState = {
    widget: this.#controller.state,
    announcement: '',
    pictures: this.#history.list(),
    notice: '',
    prompt: '',
    options: { ratio: '1:1', negativePrompt: '', seed: '' },
    typed: { text: '' },
    invalid: undefined,
  };

  override componentDidMount(): void {
    this.#system?.addEventListener('change', this.#rerender);
    this.#controller.start();
  }

  override componentWillUnmount(): void {
    this.#system?.removeEventListener('change', this.#rerender);
    this.#controller.stop();
    this.#audio.drop();
    clearInterval(this.#ticker);
    clearTimeout(this.#undoTimer);
  }

  override componentDidUpdate(previousProps: AppProps, previous: AppState): void {
    // A new API address means a new client and session: start over with its captcha.
    if (previousProps.api !== this.props.api) {
      this.#controller.stop();
      this.#controller = new Controller(this.props.api, () => this.#controllerHost());
      this.#controller.start();
    }
    const { widget } = this.state;
    const challenge = challengeOf(widget);
    if (challenge !== challengeOf(previous.widget)) {
      this.#audio.drop();
      if (challenge && this.#announceChallenge) {
        this.#announceChallenge = false;
        this.#announce(this.#strings().status.newCaptcha);
      }
    }
    this.#focusAfterGeneration(previous.widget);
    const dialog = this.#refs.dialog.current;
    if (this.state.viewing && dialog && !dialog.open) dialog.showModal?.();
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

  #strings = () => stringsFor(this.props.lang);
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
    onPicture: (picture) => {
      this.setState({ shown: picture });
      void this.#history.add(picture).then(({ items, evicted, saved }) => {
        const strings = this.#strings();
        this.setState({ pictures: items, notice: !saved ? strings.notSaved : evicted > 0 ? strings.evicted(evicted) : '' });
      });
    },
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
    this.#controller.generate(
      { prompt: text, ...IMAGE_SIZES[options.ratio], ...(negativePrompt ? { negativePrompt } : {}), ...(seed ? { seed: Number(seed) } : {}) },
      answer,
    );
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
    if (this.#audio.playing) return this.#audio.stop();
    if (!client || !challenge) return;
    this.#audio.play(client, challenge).then(
      () => this.setState({ audioProblem: undefined }),
      (error: unknown) => {
        const problem = problemOf(error, 'audio');
        this.setState({ audioProblem: { challenge, problem } });
        this.#controller.report(problem);
      },
    );
  };

  #copy = (picture: Picture) =>
    copyImage(picture.image).then(
      () => this.#announce(this.#strings().copied),
      () => this.setState({ copyFailedFor: picture }),
    );

  #reuse = (picture: Picture) => {
    const { options } = this.state;
    const ratio = (Object.keys(IMAGE_SIZES) as (keyof typeof IMAGE_SIZES)[]).find(
      (key) => IMAGE_SIZES[key].width === picture.width && IMAGE_SIZES[key].height === picture.height,
    );
    this.setState({ prompt: picture.prompt, options: { ...options, ratio: ratio ?? options.ratio, negativePrompt: picture.negativePrompt ?? '' } });
    this.#opener = this.#refs.prompt.current;
    this.#refs.dialog.current?.close();
    this.#opener?.focus();
  };

  #open = (viewing: Picture, opener: HTMLElement) => {
    this.#opener = opener;
    this.setState({ viewing });
  };

  /** The larger view closed (Esc, Close or an action): focus returns to where it belongs. */
  #viewerClosed = () => {
    // After the render: a delete's Undo button appears only then.
    this.setState({ viewing: undefined }, () => (this.#opener ?? this.#refs.undo.current ?? this.#refs.gallery.current)?.focus());
  };

  /** Deletes one picture, or all of them: either way Undo can put everything back for a while. */
  #remove = (picture?: Picture) => {
    const { pictures } = this.state;
    this.#opener = undefined;
    this.setState({ pictures: picture ? this.#history.remove(picture.id) : this.#history.clear(), removed: pictures });
    clearTimeout(this.#undoTimer);
    this.#undoTimer = setTimeout(() => this.setState({ removed: undefined }), UNDO_MS);
    const dialog = this.#refs.dialog.current;
    if (dialog) dialog.close();
    else this.#viewerClosed();
  };

  #undo = () => {
    const { removed } = this.state;
    if (!removed) return;
    this.setState({ pictures: this.#history.restore(removed), removed: undefined });
    this.#refs.gallery.current?.focus();
  };

  override render({ theme, onTheme }: AppProps, { widget: state, prompt, options, invalid, pictures, notice, announcement, audioProblem }: AppState) {
    const strings = this.#strings();
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
        <div class="root" part="root" data-theme={this.#isDark() ? 'dark' : 'light'} data-state={state.name} lang={strings.lang}>
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
              choices={THEMES.map((choice) => ({ value: choice, label: strings.themes[choice], icon: <Icon name={THEME_ICONS[choice]} /> }))}
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
              <Options strings={strings} values={options} onChange={(values) => this.setState({ options: values })} />
              <CaptchaField
                strings={strings}
                challenge={challenge}
                loading={isCaptchaLoading(state)}
                generating={state.name === 'generating'}
                answer={this.#answer()}
                onAnswer={(text) => this.setState({ typed: { challenge, text }, invalid: undefined })}
                onReload={this.#reload}
                onListen={this.#listen}
                playing={this.#audio.playing}
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
            />
          </div>
          <Gallery
            strings={strings}
            items={pictures}
            notice={notice}
            removed={this.state.removed !== undefined}
            onUndo={this.#undo}
            onOpen={this.#open}
            viewing={this.state.viewing}
            onViewerClosed={this.#viewerClosed}
            onRemove={this.#remove}
            actions={actions}
            refs={{ heading: refs.gallery, dialog: refs.dialog, undo: refs.undo }}
          />
          <p class="sr-only" aria-live="polite">
            {announcement}
          </p>
        </div>
      </div>
    );
  }
}
