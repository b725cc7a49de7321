/**
 * @jsxRuntime classic
 * @jsx h
 */
import { h } from 'preact';
import { useRef, useState } from 'preact/hooks';
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
}

/** History kept in this browser, newest first. */
export function Gallery({ strings, lang, items, notice, onRemove, onClear, onReuse }: Props) {
  const [confirming, setConfirming] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const date = dateFormat(lang);
  // A deleted item takes its focused button with it: the heading is the stable place to land.
  const afterRemoval = (action: () => void) => {
    action();
    setConfirming(false);
    heading.current?.focus();
  };
  return (
    <section class="gallery" part="gallery" aria-labelledby="gallery-heading">
      <div class="gallery-head">
        <div>
          <h3 id="gallery-heading" ref={heading} tabIndex={-1}>
            {strings.galleryHeading}
          </h3>
          <p class="muted small">{strings.galleryNote}</p>
        </div>
        {items.length > 0 &&
          (confirming ? (
            <div class="actions">
              <button type="button" class="button danger" onClick={() => afterRemoval(onClear)}>
                {strings.confirmClear}
              </button>
              <button type="button" class="button" onClick={() => setConfirming(false)}>
                {strings.keep}
              </button>
            </div>
          ) : (
            <button type="button" class="button ghost" onClick={() => setConfirming(true)}>
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
                  <button type="button" class="button icon-button" onClick={() => afterRemoval(() => onRemove(item.id))} aria-label={strings.removeLabel(short(item.prompt))} title={strings.remove}>
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
