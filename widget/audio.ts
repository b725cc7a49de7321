import { captchaAudio } from '../sdk/requests.js';
import type { Transport } from '../sdk/transport.js';
import type { CaptchaResponse } from '../sdk/types.js';

/** The spoken captcha, fetched once per challenge and dropped (with its object URL) after it. */
export class CaptchaAudio {
  #player: { audio: HTMLAudioElement; url: string; challenge: CaptchaResponse; asked: string; language: string } | undefined;
  #fetching = false;
  /** Called when playing starts or stops, so the Listen button can say which. */
  readonly #onChange: () => void;

  constructor(onChange: () => void) {
    this.#onChange = onChange;
  }

  get playing(): boolean {
    const audio = this.#player?.audio;
    return this.#fetching || (audio !== undefined && !audio.paused && !audio.ended);
  }

  /**
   * Plays `challenge` aloud in `lang` (BCP 47) and resolves with the language it is spoken in:
   * English where the server has no voice for `lang`. Rejects when it cannot play; a call while
   * fetching does nothing.
   */
  async play(client: Transport, challenge: CaptchaResponse, lang: string): Promise<string | undefined> {
    if (this.#fetching) return undefined;
    if (this.#player?.challenge !== challenge || this.#player.asked !== lang) {
      this.#fetching = true;
      this.#onChange();
      const blob = await captchaAudio(client, { lang }).finally(() => {
        this.#fetching = false;
        this.#onChange();
      });
      this.drop();
      const url = URL.createObjectURL(blob);
      const audio = new Audio(url);
      audio.onplay = audio.onpause = audio.onended = this.#onChange;
      this.#player = { audio, url, challenge, asked: lang, language: blob.language };
    }
    const { audio, language } = this.#player;
    audio.currentTime = 0;
    await audio.play();
    return language;
  }

  stop(): void {
    this.#player?.audio.pause();
  }

  drop(): void {
    const player = this.#player;
    this.#player = undefined;
    if (!player) return;
    player.audio.pause();
    URL.revokeObjectURL(player.url);
    this.#onChange();
  }
}
