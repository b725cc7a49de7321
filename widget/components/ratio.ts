/** A `--ratio` (width ÷ height) for the frames' CSS, set through the CSSOM, which a strict style-src CSP allows. */
export function ratioStyle(ratio: number) {
  return { '--ratio': String(ratio) };
}
