/**
 * @jsxRuntime classic
 * @jsx h
 * @jsxFrag Fragment
 */
import { Component, createRef, Fragment, h } from 'preact';
import { History } from '../history.js';
import type { Strings } from '../i18n.js';
import { compressImage } from '../image.js';
import type { Picture } from '../state.js';
import { GallerySection } from './gallery-section.js';
import type { Actions } from './result.js';
import { Viewer } from './viewer.js';

interface Props {
  strings: Strings;
  storage: Storage | undefined;
  /** The picture just made: saved to history once. */
  added: Picture | undefined;
  actions: Actions;
}

interface State {
  items: Picture[];
  /** What the last save had to say (storage full). */
  notice: string;
  /** History as it was before a delete, while Undo is offered. */
  removed?: Picture[];
  /** The picture open in the larger view. */
  viewing?: Picture;
}

/** How long Undo is offered after a delete. */
const UNDO_MS = 8000;

/**
 * History kept in this browser, newest first; each picture opens in a larger view with Download,
 * Copy, Reuse and Delete, and a delete can be undone for a while. Loaded on demand.
 */
export class Gallery extends Component<Props, State> {
  readonly #history = new History(this.props.storage, compressImage);
  readonly #heading = createRef<HTMLHeadingElement>();
  readonly #dialog = createRef<HTMLDialogElement>();
  readonly #undo = createRef<HTMLButtonElement>();
  /** Where focus goes when the larger view closes: the tile that opened it; null leaves it where an action put it. */
  #opener: HTMLElement | null | undefined;
  #undoTimer: ReturnType<typeof setTimeout> | undefined;
  #saved: Picture | undefined;

  override state: State = { items: this.#history.list(), notice: '' };

  override componentDidMount(): void {
    this.componentDidUpdate();
  }

  override componentDidUpdate(): void {
    const { added, strings } = this.props;
    if (added && added !== this.#saved) {
      this.#saved = added;
      void this.#history.add(added).then(({ items, evicted, saved }) =>
        this.setState({ items, notice: !saved ? strings.notSaved : evicted > 0 ? strings.evicted(evicted) : '' }),
      );
    }
    const dialog = this.#dialog.current;
    if (this.state.viewing && dialog && !dialog.open) dialog.showModal?.();
  }

  override componentWillUnmount(): void {
    clearTimeout(this.#undoTimer);
  }

  #open = (viewing: Picture, opener: HTMLElement) => {
    this.#opener = opener;
    this.setState({ viewing });
  };

  /** The larger view closed (Esc, Close or an action): focus returns to where it belongs. */
  #closed = () => {
    // After the render: a delete's Undo button appears only then.
    this.setState({ viewing: undefined }, () => this.#opener !== null && (this.#opener ?? this.#undo.current ?? this.#heading.current)?.focus());
  };

  /** Deletes one picture, or all of them: either way Undo can put everything back for a while. */
  #remove = (picture?: Picture) => {
    const { items } = this.state;
    this.#opener = undefined;
    this.setState({ items: picture ? this.#history.remove(picture.id) : this.#history.clear(), removed: items });
    clearTimeout(this.#undoTimer);
    this.#undoTimer = setTimeout(() => this.setState({ removed: undefined }), UNDO_MS);
    const dialog = this.#dialog.current;
    if (dialog) dialog.close();
    else this.#closed();
  };

  #restore = () => {
    const { removed } = this.state;
    if (!removed) return;
    this.setState({ items: this.#history.restore(removed), removed: undefined });
    this.#heading.current?.focus();
  };

  /** Reuse from the larger view: the view closes and the prompt field (the app's) takes the focus. */
  #reuse = (picture: Picture) => {
    this.#opener = null;
    this.#dialog.current?.close();
    this.props.actions.onReuse(picture);
  };

  override render({ strings, actions }: Props, { items, notice, removed, viewing }: State) {
    const date = new Intl.DateTimeFormat(strings.lang, { dateStyle: 'medium', timeStyle: 'short' });
    return (
      <GallerySection
        strings={strings}
        headingRef={this.#heading}
        action={
          items.length > 0 && (
            <button type="button" class="button ghost" onClick={() => this.#remove()}>
              {strings.clearAll}
            </button>
          )
        }
      >
        <div class="notice" role="status">
          {removed ? (
            <>
              {strings.removed}
              <button type="button" class="button" ref={this.#undo} onClick={this.#restore} part="undo">
                {strings.undo}
              </button>
            </>
          ) : (
            notice
          )}
        </div>
        {items.length === 0 ? (
          <p class="muted small">{strings.galleryEmpty}</p>
        ) : (
          <ul class="grid">
            {items.map((item) => (
              <li key={item.id}>
                <button type="button" class="tile" aria-haspopup="dialog" onClick={(event) => this.#open(item, event.currentTarget)}>
                  <span class="frame">
                    <img src={item.image} alt="" loading="lazy" />
                    {item.preview && (
                      <span class="badge" title={strings.previewNote}>
                        {strings.previewShort}
                      </span>
                    )}
                  </span>
                  <span class="tile-prompt" dir="auto">
                    {item.prompt}
                  </span>
                  <time class="muted small" dateTime={new Date(item.createdAt).toISOString()}>
                    {date.format(item.createdAt)}
                  </time>
                </button>
              </li>
            ))}
          </ul>
        )}
        {viewing && (
          <Viewer strings={strings} picture={viewing} date={date} onClosed={this.#closed} onRemove={this.#remove} actions={{ ...actions, onReuse: this.#reuse }} dialogRef={this.#dialog} />
        )}
      </GallerySection>
    );
  }
}
