export * from '../../../../scripts/miniprogram/echarts.entry';
