/** The part of the `qrcode` package the console uses (it ships no types); the same as the functions' declaration. */
declare module 'qrcode' {
  export function toString(text: string, options?: { type?: 'svg'; width?: number; margin?: number; errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' }): Promise<string>;
  export function toDataURL(text: string, options?: { type?: 'image/png'; width?: number; margin?: number; errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' }): Promise<string>;
}
