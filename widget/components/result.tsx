/**
 * @jsxRuntime classic
 * @jsx h
 * @jsxFrag Fragment
 */
import { Fragment, h, type ComponentChildren } from 'preact';
import type { Strings } from '../i18n.js';
import { fileName } from '../image.js';
import type { Picture } from '../state.js';
import { Icon } from './icon.js';
import { MORE_ICONS } from './on-demand-icons.js';
import { ratioStyle } from './ratio.js';

export interface ActionsProps {
  strings: Strings;
  picture: Picture;
  onReuse: (picture: Picture) => void;
  onCopy: (picture: Picture) => void;
  /** The picture whose copy to the clipboard failed. */
  copyFailed: Picture | undefined;
  children?: ComponentChildren;
}

export type Actions = Omit<ActionsProps, 'strings' | 'picture'>;

/** The image just made, with what made it and what can be done with it. */
export function Result({ strings, picture, actions }: { strings: Strings; picture: Picture; actions: Actions }) {
  return (
    <figure class="result" part="result">
      <div class="frame" style={ratioStyle(picture.width / picture.height)}>
        <img src={picture.image} width={picture.width} height={picture.height} alt={strings.resultAlt(picture.prompt)} part="result-image" />
        {picture.preview && (
          <span class="badge" part="badge" title={strings.previewNote}>
            {strings.previewBadge}
          </span>
        )}
      </div>
      <figcaption class="hint">
        {picture.width} × {picture.height} · {strings.seedUsed(picture.seed)}
      </figcaption>
      {picture.preview && <p class="hint">{strings.previewNote}</p>}
      <PictureActions strings={strings} picture={picture} {...actions} />
    </figure>
  );
}

/** Download, Copy and Reuse for a picture, here and in the history view (which adds Delete). */
export function PictureActions({ strings, picture, onReuse, onCopy, copyFailed, children }: ActionsProps) {
  return (
    <>
      <div class="actions">
        <a class="button soft" href={picture.image} download={fileName(picture)} part="download">
          <Icon path={MORE_ICONS.download} />
          {strings.download}
        </a>
        <button type="button" class="button" onClick={() => onCopy(picture)}>
          {strings.copy}
        </button>
        <button type="button" class="button" onClick={() => onReuse(picture)}>
          <Icon path={MORE_ICONS.reuse} flip />
          {strings.reuse}
        </button>
        {children}
      </div>
      {copyFailed === picture && (
        <p class="inline-alert" role="alert">
          {strings.copyFailed}
        </p>
      )}
    </>
  );
}
