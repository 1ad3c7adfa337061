import { useHashSubPath } from "../../app/useHashRoute";
import { ReleaseEditorPage } from "./ReleaseEditor";
import { ReleaseList } from "./ReleaseList";
import { ReleaseView } from "./ReleaseView";
import { parseReleasesPath } from "./routes";

/** Releases (SPEC C4, C5): the list, one release, and the editor, each at its own address. */
export function ReleasesPage() {
  const route = parseReleasesPath(useHashSubPath());
  let body;
  switch (route.page) {
    case "list":
      body = <ReleaseList />;
      break;
    case "new":
      body = <ReleaseEditorPage key="new" id={null} />;
      break;
    case "detail":
      body = <ReleaseView key={route.id} id={route.id} />;
      break;
    case "edit":
      body = <ReleaseEditorPage key={`edit-${route.id}`} id={route.id} />;
      break;
  }
  return (
    <div className="page" data-testid="area-releases">
      {body}
    </div>
  );
}
