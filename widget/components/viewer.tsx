/**
 * @jsxRuntime classic
 * @jsx h
 */
import { h, type Ref } from 'preact';
import type { Strings } from '../i18n.js';
import type { Picture } from '../state.js';
import { Icon } from './icon.js';
import { MORE_ICONS } from './on-demand-icons.js';
import { PictureActions, type Actions } from './result.js';

interface Props {
  strings: Strings;
  picture: Picture;
  /** How the gallery words dates, so tile and view agree. */
  date: Intl.DateTimeFormat;
  onClosed: () => void;
  onRemove: (picture: Picture) => void;
  actions: Actions;
  dialogRef: Ref<HTMLDialogElement>;
}

/** A history picture at a larger size, with what made it and every action, in a modal dialog. */
export function Viewer({ strings, picture, date, onClosed, onRemove, actions, dialogRef }: Props) {
  return (
    <dialog class="viewer" part="viewer" ref={dialogRef} aria-labelledby="viewer-prompt" onClose={onClosed}>
      <form method="dialog" class="viewer-close">
        <button class="button icon-button" aria-label={strings.close} title={strings.close}>
          <Icon path={MORE_ICONS.close} />
        </button>
      </form>
      <img src={picture.image} width={picture.width} height={picture.height} alt={strings.resultAlt(picture.prompt)} />
      <div class="stack">
        <p id="viewer-prompt" dir="auto">
          {picture.prompt}
        </p>
        <dl class="facts small">
          <dt>{strings.size}</dt>
          <dd>
            {picture.width} × {picture.height}
          </dd>
          <dt>{strings.seed}</dt>
          <dd>{picture.seed}</dd>
          <dt>{strings.date}</dt>
          <dd>
            <time dateTime={new Date(picture.createdAt).toISOString()}>{date.format(picture.createdAt)}</time>
          </dd>
        </dl>
        {picture.preview && <p class="hint">{strings.previewNote}</p>}
        <PictureActions strings={strings} picture={picture} {...actions}>
          <button type="button" class="button" onClick={() => onRemove(picture)}>
            <Icon path={MORE_ICONS.trash} />
            {strings.remove}
          </button>
        </PictureActions>
      </div>
    </dialog>
  );
}
