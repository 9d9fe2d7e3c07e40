export * from './money';
export * from './bands';
