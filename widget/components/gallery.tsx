/**
 * @jsxRuntime classic
 * @jsx h
 */
import { h, type Ref } from 'preact';
import type { Picture } from '../state.js';
import type { Strings } from '../strings.js';
import { Icon } from './icon.js';

interface Props {
  strings: Strings;
  lang: string;
  items: Picture[];
  notice: string;
  onRemove: (id: string) => void;
  onClear: () => void;
  onReuse: (picture: Picture) => void;
  /** "Clear all" was pressed and waits for "Delete all" or "Keep". */
  confirming: boolean;
  onConfirming: (confirming: boolean) => void;
  headingRef: Ref<HTMLHeadingElement>;
}

/** History kept in this browser, newest first. */
export function Gallery({ strings, lang, items, notice, onRemove, onClear, onReuse, confirming, onConfirming, headingRef }: Props) {
  const date = dateFormat(lang);
  return (
    <section class="gallery" part="gallery" aria-labelledby="gallery-heading">
      <div class="gallery-head">
        <div>
          <h3 id="gallery-heading" ref={headingRef} tabIndex={-1}>
            {strings.galleryHeading}
          </h3>
          <p class="muted small">{strings.galleryNote}</p>
        </div>
        {items.length > 0 &&
          (confirming ? (
            <div class="actions">
              <button type="button" class="button danger" onClick={onClear}>
                {strings.confirmClear}
              </button>
              <button type="button" class="button" onClick={() => onConfirming(false)}>
                {strings.keep}
              </button>
            </div>
          ) : (
            <button type="button" class="button ghost" onClick={() => onConfirming(true)}>
              {strings.clearAll}
            </button>
          ))}
      </div>
      <p class="notice" role="status">
        {notice}
      </p>
      {items.length === 0 ? (
        <p class="muted small">{strings.galleryEmpty}</p>
      ) : (
        <ul class="grid">
          {items.map((item) => (
            <li key={item.id} class="tile">
              <div class="frame">
                <img src={item.image} alt={item.prompt} loading="lazy" />
                {item.preview && <span class="badge">{strings.previewBadge}</span>}
              </div>
              <p class="tile-prompt" title={item.prompt}>
                {item.prompt}
              </p>
              <div class="tile-foot">
                <time class="muted" dateTime={new Date(item.createdAt).toISOString()}>
                  {date.format(item.createdAt)}
                </time>
                <span>
                  <button type="button" class="button icon-button" onClick={() => onReuse(item)} aria-label={strings.reuseLabel(short(item.prompt))} title={strings.reuse}>
                    <Icon name="reuse" />
                  </button>
                  <button type="button" class="button icon-button" onClick={() => onRemove(item.id)} aria-label={strings.removeLabel(short(item.prompt))} title={strings.remove}>
                    <Icon name="trash" />
                  </button>
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function short(prompt: string): string {
  return prompt.length > 60 ? `${prompt.slice(0, 59)}…` : prompt;
}

function dateFormat(lang: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  } catch {
    return new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
  }
}
