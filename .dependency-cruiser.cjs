/** DESIGN rule 9: boundaries are checked, not hoped for. */
module.exports = {
  forbidden: [
    { name: 'core-imports-no-module', severity: 'error', from: { path: '^src/server/core/' }, to: { path: '^src/server/modules/' } },
    { name: 'contracts-import-nothing-of-ours', severity: 'error', from: { path: '^src/contracts/' }, to: { path: '^src/(server|web)/' } },
    { name: 'web-only-contracts', severity: 'error', from: { path: '^src/web/' }, to: { path: '^src/server/' } },
    {
      name: 'module-through-service-only',
      severity: 'error',
      comment: 'a module reaches another module only through its service.ts',
      from: { path: '^src/server/modules/([^/]+)/' },
      to: { path: '^src/server/modules/([^/]+)/', pathNot: ['^src/server/modules/$1/', '^src/server/modules/[^/]+/service\\.ts$'] },
    },
    { name: 'nothing-imports-main', severity: 'error', from: {}, to: { path: '^src/server/main\\.ts$' } },
    { name: 'no-circular', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: 'node_modules' },
  },
};
