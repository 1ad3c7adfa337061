export { navigate, parseItemPath as parseCollectionsPath, type ItemRoute as CollectionsRoute } from "../../app/itemRoutes";

export const collectionsHref = "#/collections";
export const newCollectionHref = "#/collections/new";
export const collectionHref = (id: number) => `#/collections/${id}`;
export const editCollectionHref = (id: number) => `#/collections/${id}/edit`;
