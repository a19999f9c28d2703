/** The bundler (esbuild) resolves CommonJS requires of the component runtime's untyped modules. */
declare const require: (id: string) => any;
