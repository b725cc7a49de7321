/**
 * @jsxRuntime classic
 * @jsx h
 */
import { h } from 'preact';
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { IMAGE_SIZES, type CaptchaResponse } from '../sdk/types.js';
import { CaptchaField } from './components/captcha.js';
import { Gallery } from './components/gallery.js';
import { Icon } from './components/icon.js';
import { Options, type OptionValues } from './components/options.js';
import { Output } from './components/output.js';
import { PromptField } from './components/prompt.js';
import { Segmented } from './components/segmented.js';
import { useController } from './controller.js';
import { emitterFor } from './events.js';
import { usePrefersDark } from './hooks.js';
import { focusTarget } from './problems.js';
import { challengeOf, isCaptchaLoading, type Picture, type StateName } from './state.js';
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
const THEME_ICONS = { auto: 'auto', light: 'sun', dark: 'moon' } as const;

export function App({ api, theme, lang, host, onTheme, storage, compress }: AppProps) {
  const strings = stringsFor(lang);
  const emit = useMemo(() => emitterFor(host), [host]);
  const [announcement, announce] = useState('');
  const history = useMemo(() => new History(storage, compress), [storage, compress]);
  const [pictures, setPictures] = useState(() => history.list());
  const [notice, setNotice] = useState('');
  const { state, client, loadCaptcha, generate, cancel, report } = useController({
    api,
    strings,
    emit,
    announce,
    onPicture: (picture) =>
      void history.add(picture).then(({ items, evicted, saved }) => {
        setPictures(items);
        setNotice(!saved ? strings.notSaved : evicted > 0 ? strings.evicted(evicted) : '');
      }),
  });

  const [prompt, setPrompt] = useState('');
  const [options, setOptions] = useState<OptionValues>({ ratio: '1:1', negativePrompt: '', seed: '' });
  // An answer belongs to one challenge: a spent challenge's answer means nothing for the next.
  const [typed, setTyped] = useState<{ challenge?: CaptchaResponse; text: string }>({ text: '' });
  const [invalid, setInvalid] = useState<Invalid>();
  const refs = {
    prompt: useRef<HTMLTextAreaElement>(null),
    answer: useRef<HTMLInputElement>(null),
    generate: useRef<HTMLButtonElement>(null),
    cancel: useRef<HTMLButtonElement>(null),
    output: useRef<HTMLHeadingElement>(null),
  };

  const challenge = challengeOf(state);
  const answer = typed.challenge === challenge ? typed.text : '';
  const waiting = state.name === 'error' && state.problem.retryAt !== undefined;
  const canGenerate = challenge !== undefined && !waiting;

  useFocusAfterGeneration(state.name, () => {
    if (state.name === 'generating') return refs.cancel.current;
    if (state.name === 'done') return refs.output.current;
    if (state.name === 'error') return refs[focusTarget(state.problem)].current;
    return refs.generate.current;
  });

  const submit = () => {
    if (!canGenerate || state.name === 'generating') return;
    const text = prompt.trim();
    // The API checks the seed too; an out-of-range one comes back as its own message.
    const seed = options.seed.trim();
    const missing: Invalid = text === '' ? 'prompt' : answer.trim() === '' ? 'answer' : undefined;
    setInvalid(missing);
    if (missing) return refs[missing].current?.focus();
    const negativePrompt = options.negativePrompt.trim();
    generate(
      { prompt: text, ...IMAGE_SIZES[options.ratio], ...(negativePrompt ? { negativePrompt } : {}), ...(seed ? { seed: Number(seed) } : {}) },
      answer.trim(),
    );
  };

  // Only a reload the visitor asked for is announced: a new image alone says nothing to a screen reader.
  const announceChallenge = useRef(false);
  const reload = () => {
    announceChallenge.current = true;
    loadCaptcha();
  };
  useLayoutEffect(() => {
    if (!challenge || !announceChallenge.current) return;
    announceChallenge.current = false;
    announce(strings.status.newCaptcha);
  }, [challenge]);

  const reuse = (picture: Picture) => {
    setPrompt(picture.prompt);
    const ratio = (Object.keys(IMAGE_SIZES) as (keyof typeof IMAGE_SIZES)[]).find(
      (key) => IMAGE_SIZES[key].width === picture.width && IMAGE_SIZES[key].height === picture.height,
    );
    setOptions({ ...options, ratio: ratio ?? options.ratio, negativePrompt: picture.negativePrompt ?? '' });
    refs.prompt.current?.focus();
  };

  const prefersDark = usePrefersDark();
  const resolved = theme === 'auto' ? (prefersDark ? 'dark' : 'light') : theme;
  const size = IMAGE_SIZES[options.ratio];
  return (
    <div class="root" part="root" data-theme={resolved} data-state={state.name} lang={lang}>
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
          <PromptField strings={strings} value={prompt} onInput={(text) => (setPrompt(text), setInvalid(undefined))} invalid={invalid === 'prompt'} inputRef={refs.prompt} />
          <Options strings={strings} values={options} onChange={setOptions} />
          <CaptchaField
            strings={strings}
            client={client}
            challenge={challenge}
            loading={isCaptchaLoading(state)}
            generating={state.name === 'generating'}
            answer={answer}
            onAnswer={(text) => (setTyped({ challenge, text }), setInvalid(undefined))}
            onReload={reload}
            onProblem={report}
            invalid={invalid === 'answer'}
            answerRef={refs.answer}
          />
          <div class="submit">
            <button
              type="submit"
              class="button primary large"
              part="generate"
              ref={refs.generate}
              disabled={state.name === 'generating'}
              aria-disabled={!canGenerate}
            >
              {strings.generate}
            </button>
            <p class="hint">{strings.shortcut}</p>
          </div>
        </form>
        <Output
          state={state}
          strings={strings}
          ratio={size.width / size.height}
          onCancel={cancel}
          onReuse={reuse}
          onRetry={loadCaptcha}
          announce={announce}
          headingRef={refs.output}
          cancelRef={refs.cancel}
        />
      </div>
      <Gallery
        strings={strings}
        lang={lang}
        items={pictures}
        notice={notice}
        onRemove={(id) => setPictures(history.remove(id))}
        onClear={() => setPictures(history.clear())}
        onReuse={reuse}
      />
      <p class="sr-only" aria-live="polite">
        {announcement}
      </p>
    </div>
  );
}

/**
 * Moves focus only as a consequence of the visitor's own Generate or Cancel: never on page load,
 * where a guest widget must not steal focus from its host.
 */
function useFocusAfterGeneration(name: StateName, target: () => HTMLElement | null): void {
  const previous = useRef(name);
  // Layout effect: focus moves in the same task as the change, before anything else can steal it.
  useLayoutEffect(() => {
    const was = previous.current;
    previous.current = name;
    if (name === was || (name !== 'generating' && was !== 'generating')) return;
    target()?.focus();
  }, [name]);
}
