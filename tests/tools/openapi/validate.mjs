// node validate.mjs DOCUMENT
// Checks an OpenAPI document against the official OpenAPI JSON Schema of its
// version, and its $refs, with @seriousme/openapi-schema-validator. Exits 0
// if the document is valid, 1 with every complaint if not, 2 if the
// validator could not run. allErrors: the CLI that ships with the package
// (validate-api) stops at the first failing keyword, so a document with
// several problems would have to be fixed one run at a time.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";

const path = process.argv[2];
if (!path) {
  console.error("usage: node validate.mjs DOCUMENT");
  process.exit(2);
}

try {
  const version = JSON.parse(
    readFileSync(new URL("./node_modules/@seriousme/openapi-schema-validator/package.json",
                         import.meta.url), "utf-8")).version;
  const validator = new Validator({ allErrors: true });
  const result = await validator.validate(path);
  const tool = `@seriousme/openapi-schema-validator ${version}`;
  if (result.valid) {
    console.log(`${path}: valid OpenAPI ${validator.specificationVersion} (${tool})`);
    process.exit(0);
  }
  console.log(`${path}: INVALID (${tool})`);
  if (Array.isArray(result.errors)) {
    for (const e of result.errors) {
      const params = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : "";
      console.log(`  ${e.instancePath || "/"}: ${e.message}${params} [${e.schemaPath}]`);
    }
  } else {
    console.log(`  ${result.errors}`);
  }
  process.exit(1);
} catch (error) {
  console.error(`the validator failed to run: ${error?.stack ?? error}`);
  process.exit(2);
}
