export * from '../../scripts/miniprogram/shared.entry';
