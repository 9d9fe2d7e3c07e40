export * from './http-client';
export * from './scenario-driver';
