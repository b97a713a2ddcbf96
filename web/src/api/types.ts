/** The API's wire types, inferred from the server's zod schemas (src/server/api-types.ts). */
export type * from "../../../src/server/api-types";
