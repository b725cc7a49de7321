import { captchaAudio } from '../sdk/requests.js';
import type { Transport } from '../sdk/transport.js';
import type { CaptchaResponse } from '../sdk/types.js';

/** The spoken captcha, fetched once per challenge and dropped (with its object URL) after it. */
export class CaptchaAudio {
  #player: { audio: HTMLAudioElement; url: string; challenge: CaptchaResponse } | undefined;
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

  /** Plays `challenge` aloud; rejects when it cannot. A call while fetching does nothing. */
  async play(client: Transport, challenge: CaptchaResponse): Promise<void> {
    if (this.#fetching) return;
    if (this.#player?.challenge !== challenge) {
      this.#fetching = true;
      this.#onChange();
      const blob = await captchaAudio(client).finally(() => {
        this.#fetching = false;
        this.#onChange();
      });
      this.drop();
      const url = URL.createObjectURL(blob);
      const audio = new Audio(url);
      audio.onplay = audio.onpause = audio.onended = this.#onChange;
      this.#player = { audio, url, challenge };
    }
    const { audio } = this.#player;
    audio.currentTime = 0;
    await audio.play();
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
