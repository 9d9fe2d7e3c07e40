export * from './money.value';
export * from './bands.rules';
