declare module 'pino-roll' {
  interface PinoRollOptions {
    file: string;
    size?: string | number;
    frequency?: string | number;
    extension?: string;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    mkdir?: boolean;
    mode?: number;
    symlink?: boolean;
  }
  /** The SonicBoom stream pino-roll returns (only what we use of it). */
  interface RollStream extends NodeJS.EventEmitter {
    readonly file: string;
    write(data: string): boolean;
    end(): void;
  }
  export default function pinoRoll(options: PinoRollOptions): Promise<RollStream>;
}
