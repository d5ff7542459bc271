// A translated edition: Sphinx's doctools.js compiles the plural rule of translations.js with `new Function`,
// which the pages' Content-Security-Policy refuses (no 'unsafe-eval'). Loaded between the two, this reads a
// constant rule (Chinese: "0") without evaluating code; any other rule keeps doctools.js's English one.
(() => {
  if (typeof Documentation === "undefined") return;
  Documentation.addTranslations = (catalog) => {
    Object.assign(Documentation.TRANSLATIONS, catalog.messages);
    const rule = String(catalog.plural_expr ?? "").trim();
    if (/^\d+$/.test(rule)) Documentation.PLURAL_EXPR = () => Number(rule);
    Documentation.LOCALE = catalog.locale;
  };
})();
