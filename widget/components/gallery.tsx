/**
 * @jsxRuntime classic
 * @jsx h
 * @jsxFrag Fragment
 */
import { Fragment, h, type Ref } from 'preact';
import type { Picture } from '../state.js';
import type { Strings } from '../strings.js';
import { Icon } from './icon.js';
import { PictureActions, type ActionsProps } from './output.js';

interface Props {
  strings: Strings;
  items: Picture[];
  notice: string;
  /** Something was just deleted and can still be put back. */
  removed: boolean;
  onUndo: () => void;
  onOpen: (picture: Picture, opener: HTMLElement) => void;
  /** The picture open in the larger view. */
  viewing: Picture | undefined;
  onViewerClosed: () => void;
  /** Deletes one picture, or every one without an argument. */
  onRemove: (picture?: Picture) => void;
  actions: Omit<ActionsProps, 'strings' | 'picture'>;
  refs: { heading: Ref<HTMLHeadingElement>; dialog: Ref<HTMLDialogElement>; undo: Ref<HTMLButtonElement> };
}

/** History kept in this browser, newest first; each picture opens in a larger view. */
export function Gallery({ strings, items, notice, removed, onUndo, onOpen, viewing, onViewerClosed, onRemove, actions, refs }: Props) {
  const date = new Intl.DateTimeFormat(strings.lang, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <section class="gallery" part="gallery" aria-labelledby="gallery-heading">
      <div class="gallery-head">
        <div>
          <h3 id="gallery-heading" ref={refs.heading} tabIndex={-1}>
            {strings.galleryHeading}
          </h3>
          <p class="muted small">{strings.galleryNote}</p>
        </div>
        {items.length > 0 && (
          <button type="button" class="button ghost" onClick={() => onRemove()}>
            {strings.clearAll}
          </button>
        )}
      </div>
      <div class="notice" role="status">
        {removed ? (
          <>
            {strings.removed}
            <button type="button" class="button" ref={refs.undo} onClick={onUndo} part="undo">
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
              <button type="button" class="tile" aria-haspopup="dialog" onClick={(event) => onOpen(item, event.currentTarget)}>
                <span class="frame">
                  <img src={item.image} alt="" loading="lazy" />
                  {item.preview && (
                    <span class="badge" title={strings.previewNote}>
                      {strings.previewShort}
                    </span>
                  )}
                </span>
                <span class="tile-prompt">{item.prompt}</span>
                <time class="muted small" dateTime={new Date(item.createdAt).toISOString()}>
                  {date.format(item.createdAt)}
                </time>
              </button>
            </li>
          ))}
        </ul>
      )}
      {viewing && (
        <dialog class="viewer" part="viewer" ref={refs.dialog} aria-labelledby="viewer-prompt" onClose={onViewerClosed}>
          <form method="dialog" class="viewer-close">
            <button class="button icon-button" aria-label={strings.close} title={strings.close}>
              <Icon name="close" />
            </button>
          </form>
          <img src={viewing.image} width={viewing.width} height={viewing.height} alt={strings.resultAlt(viewing.prompt)} />
          <div class="stack">
            <p id="viewer-prompt">{viewing.prompt}</p>
            <dl class="facts small">
              <dt>{strings.size}</dt>
              <dd>
                {viewing.width} × {viewing.height}
              </dd>
              <dt>{strings.seed}</dt>
              <dd>{viewing.seed}</dd>
              <dt>{strings.date}</dt>
              <dd>
                <time dateTime={new Date(viewing.createdAt).toISOString()}>{date.format(viewing.createdAt)}</time>
              </dd>
            </dl>
            {viewing.preview && <p class="hint">{strings.previewNote}</p>}
            <PictureActions strings={strings} picture={viewing} {...actions}>
              <button type="button" class="button" onClick={() => onRemove(viewing)}>
                <Icon name="trash" />
                {strings.remove}
              </button>
            </PictureActions>
          </div>
        </dialog>
      )}
    </section>
  );
}
