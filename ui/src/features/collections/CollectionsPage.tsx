import { useHashSubPath } from "../../app/useHashRoute";
import { CollectionEditorPage } from "./CollectionEditor";
import { CollectionList } from "./CollectionList";
import { CollectionView } from "./CollectionView";
import { parseCollectionsPath } from "./routes";

/** Collections (SPEC C3): the list, one collection, and the editor, each at its own address. */
export function CollectionsPage() {
  const route = parseCollectionsPath(useHashSubPath());
  let body;
  switch (route.page) {
    case "list":
      body = <CollectionList />;
      break;
    case "new":
      body = <CollectionEditorPage key="new" id={null} />;
      break;
    case "detail":
      body = <CollectionView key={route.id} id={route.id} />;
      break;
    case "edit":
      body = <CollectionEditorPage key={`edit-${route.id}`} id={route.id} />;
      break;
  }
  return (
    <div className="page" data-testid="area-collections">
      {body}
    </div>
  );
}
