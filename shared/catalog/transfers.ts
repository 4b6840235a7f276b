// Catalog entries of this area: export each entry as a named `defineOperation({...})` constant.
// shared/catalog/index.ts collects every exported operation of this module.
export {};
