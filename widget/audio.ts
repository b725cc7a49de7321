import { captchaAudio } from '../sdk/requests.js';
import type { Transport } from '../sdk/transport.js';
import type { CaptchaResponse } from '../sdk/types.js';

/** The spoken captcha, fetched once per challenge and dropped (with its object URL) after it. */
export class CaptchaAudio {
  #player: { audio: HTMLAudioElement; url: string; challenge: CaptchaResponse } | undefined;
  #fetching = false;

  /** Plays `challenge` aloud; rejects when it cannot. A call while fetching does nothing. */
  async play(client: Transport, challenge: CaptchaResponse): Promise<void> {
    if (this.#fetching) return;
    if (this.#player?.challenge !== challenge) {
      this.#fetching = true;
      const blob = await captchaAudio(client).finally(() => (this.#fetching = false));
      this.drop();
      const url = URL.createObjectURL(blob);
      this.#player = { audio: new Audio(url), url, challenge };
    }
    const { audio } = this.#player;
    audio.currentTime = 0;
    await audio.play();
  }

  drop(): void {
    const player = this.#player;
    this.#player = undefined;
    if (!player) return;
    player.audio.pause();
    URL.revokeObjectURL(player.url);
  }
}
