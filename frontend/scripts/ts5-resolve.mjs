// ts5-resolve.mjs is a module resolve hook: inside openapi-typescript,
// `typescript` means the typescript-5 package (see api-types.mjs).
export async function resolve(specifier, context, next) {
  if (specifier === 'typescript' && context.parentURL?.includes('/node_modules/openapi-typescript/')) {
    return next('typescript-5', context);
  }
  return next(specifier, context);
}
