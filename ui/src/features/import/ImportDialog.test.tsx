import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { ImportOptions } from "../../bindings/ImportOptions";
import type { ImportReport } from "../../bindings/ImportReport";
import { deferred, mockCommands } from "../../test/ipc";
import { report } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";
import { ImportDialog } from "./ImportDialog";

function renderDialog(mode: "computers" | "updates" = "computers") {
  return renderWithProviders(<ImportDialog mode={mode} opened onClose={() => undefined} />);
}

describe("import dialog", () => {
  it("checks the file with a dry run, lists rejections, then imports the accepted rows", async () => {
    const log = mockCommands({
      inventory_import: (args) => {
        const options = args.options as ImportOptions;
        return options.dryRun ? report() : report({ dryRun: false, applied: true, elapsedMs: 40 });
      },
      app_summary: () => ({ computers: 8, sites: 1, updates: 0 }),
    });
    const user = userEvent.setup();
    renderDialog();

    expect(screen.queryByTestId("import-commit")).not.toBeInTheDocument();
    await user.type(screen.getByTestId("import-path"), "/data/computers.csv");
    await user.click(screen.getByTestId("import-check"));

    const dry = await screen.findByTestId("import-report");
    expect(log.argsOf("inventory_import")[0]).toMatchObject({
      path: "/data/computers.csv",
      options: { dryRun: true, allOrNothing: false },
    });
    expect(dry).toHaveAttribute("data-rows-read", "10");
    expect(dry).toHaveAttribute("data-accepted", "8");
    expect(dry).toHaveAttribute("data-rejected", "2");
    expect(dry).toHaveAttribute("data-applied", "false");
    const rows = screen.getAllByTestId("rejection-row");
    expect(rows.map((r) => r.getAttribute("data-line"))).toEqual(["3", "7"]);
    expect(within(rows[1]).getByText("'Mars/Olympus' is not an IANA time zone")).toBeInTheDocument();
    expect(within(rows[1]).getByText("time_zone")).toBeInTheDocument();
    expect(within(dry).getByText("colour")).toBeInTheDocument();

    const commit = screen.getByTestId("import-commit");
    expect(commit).toHaveTextContent("Import 8 accepted rows");
    await user.click(commit);

    await waitFor(() => expect(log.argsOf("inventory_import")).toHaveLength(2));
    expect(log.argsOf("inventory_import")[1]).toMatchObject({
      path: "/data/computers.csv",
      options: { dryRun: false, allOrNothing: false },
    });
    await waitFor(() => expect(screen.getByTestId("import-report")).toHaveAttribute("data-applied", "true"));
    expect(screen.getByTestId("import-close")).toHaveTextContent("Done");
    expect(screen.queryByTestId("import-commit")).not.toBeInTheDocument();
  });

  it("shows a file-level problem in a red alert, with the core's message", async () => {
    mockCommands({
      catalog_import: () => {
        throw { kind: "invalid", message: "line 4, column 12: unterminated quoted field" };
      },
    });
    const user = userEvent.setup();
    renderDialog("updates");
    // Enter in the path field runs the check.
    await user.type(screen.getByTestId("import-path"), "/data/updates.csv{Enter}");
    const alert = await screen.findByTestId("import-error");
    expect(alert).toHaveTextContent("line 4, column 12: unterminated quoted field");
    expect(alert).toHaveAttribute("data-kind", "invalid");
    expect(screen.queryByTestId("import-report")).not.toBeInTheDocument();
    expect(screen.queryByTestId("import-commit")).not.toBeInTheDocument();
  });

  it("cancels a running import through task_cancel and keeps the checked report", async () => {
    const running = deferred<ImportReport>();
    const log = mockCommands({
      inventory_import: (args) => ((args.options as ImportOptions).dryRun ? report() : running.promise),
      task_cancel: () => {
        running.reject({ kind: "cancelled", message: "import cancelled" });
        return null;
      },
    });
    const user = userEvent.setup();
    renderDialog();
    await user.type(screen.getByTestId("import-path"), "/data/computers.csv");
    await user.click(screen.getByTestId("import-check"));
    await user.click(await screen.findByTestId("import-commit"));

    expect(await screen.findByTestId("import-progress")).toBeInTheDocument();
    await user.click(screen.getByTestId("import-cancel"));

    await waitFor(() => expect(log.argsOf("task_cancel")).toHaveLength(1));
    const back = await screen.findByTestId("import-report");
    expect(back).toHaveAttribute("data-applied", "false");
    expect(screen.getByTestId("import-commit")).toBeInTheDocument();
    expect(screen.queryByTestId("import-error")).not.toBeInTheDocument();
  });

  it("fills the path from the file picker", async () => {
    mockCommands({ "plugin:dialog|open": () => "/home/me/inventory.csv" });
    const user = userEvent.setup();
    renderDialog();
    await user.click(screen.getByTestId("import-browse"));
    await waitFor(() => expect(screen.getByTestId("import-path")).toHaveValue("/home/me/inventory.csv"));
  });
});
