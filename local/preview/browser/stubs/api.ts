/** miniprogram-simulate's own wx mock is not used: the preview's browser wx (../wx.ts) is the only one. */
export {};
