export * from "./commands";
export * from "./errors";
