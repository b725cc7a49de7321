/**
 * @jsxRuntime classic
 * @jsx h
 */
import { h, type ComponentChildren, type Ref } from 'preact';
import type { Strings } from '../i18n.js';

interface Props {
  strings: Strings;
  headingRef: Ref<HTMLHeadingElement>;
  /** Beside the heading (Clear all). */
  action?: ComponentChildren;
  children: ComponentChildren;
}

/**
 * The history section around its content: the empty state on first load, the gallery (loaded on
 * demand, when there is history or the visitor acts) in the same frame, so nothing moves.
 */
export function GallerySection({ strings, headingRef, action, children }: Props) {
  return (
    <section class="gallery" part="gallery" aria-labelledby="gallery-heading">
      <div class="gallery-head">
        <div>
          <h3 id="gallery-heading" ref={headingRef} tabIndex={-1}>
            {strings.galleryHeading}
          </h3>
          <p class="muted small">{strings.galleryNote}</p>
        </div>
        {action}
      </div>
      {children}
    </section>
  );
}
