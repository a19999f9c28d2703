/** The part of the `qrcode` package the console uses (it ships no types; its browser build draws SVG text). */
declare module 'qrcode' {
  export function toString(text: string, options?: { type?: 'svg'; width?: number; margin?: number; errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' }): Promise<string>;
}
