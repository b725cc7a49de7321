declare module 'pino-roll' {
  import type { SonicBoom, SonicBoomOpts } from 'sonic-boom';

  export interface PinoRollOptions extends Omit<SonicBoomOpts, 'dest'> {
    file: string | (() => string);
    size?: number | string;
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    symlink?: boolean;
    limit?: { count: number; removeOtherLogFiles?: boolean };
    dateFormat?: string;
  }

  /** Opens the current file; pino-roll's own types ship none. */
  export default function build(options: PinoRollOptions): Promise<SonicBoom>;
}
