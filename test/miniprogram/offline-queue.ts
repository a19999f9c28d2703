/** What the offline-queue tests share: a fresh launch of the offline module, a camera photo, and waiting for it to settle. */

/** A fresh app launch: the offline module loaded anew (it is typed for the mini program, so `any` here). */
export function loadModules(): any {
  let mod: any;
  jest.isolateModules(() => {
    mod = require('../../miniprogram/offline/index');
  });
  return mod;
}

/** A photo taken with the (fake) camera: its temporary path. */
export function tempPhoto(wx: any): string {
  let path = '';
  wx.chooseMedia({ count: 1, success: (r: any) => (path = r.tempFiles[0].tempFilePath) });
  return path;
}

/** Lets the queue's pending callbacks and promises run. */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
};
