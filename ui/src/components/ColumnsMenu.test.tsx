import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithProviders } from "../test/render";
import { readColumnChoice, useColumnVisibility } from "./columnVisibility";
import { ColumnsMenu } from "./ColumnsMenu";

const KEY = "test.columns";
const COLUMNS = [
  { id: "name", header: "Name", hideable: false },
  { id: "site", header: "Site" },
  { id: "disk", header: "Free GB", label: "Free disk (GB)" },
  { id: "notes", header: "Notes", hiddenByDefault: true },
];

function Harness({ columns = COLUMNS }: { columns?: typeof COLUMNS }) {
  const visibility = useColumnVisibility(KEY, columns);
  return (
    <>
      <ColumnsMenu columns={columns} visibility={visibility} data-testid="columns-menu" />
      <div data-testid="shown">{visibility.visible.map((c) => c.id).join(",")}</div>
    </>
  );
}

const shown = () => screen.getByTestId("shown").textContent;

describe("ColumnsMenu", () => {
  it("lists every column by its full name, keeps the locked one and saves each change", async () => {
    const user = userEvent.setup();
    renderWithProviders(<Harness />);
    expect(shown()).toBe("name,site,disk");
    expect(screen.getByTestId("columns-menu")).toHaveTextContent("1 hidden");

    await user.click(screen.getByTestId("columns-menu"));
    expect(await screen.findByRole("checkbox", { name: "Name" })).toBeDisabled();
    expect(screen.getByRole("checkbox", { name: "Free disk (GB)" })).toBeChecked();
    expect(screen.getByRole("button", { name: /Reset/ })).toBeDisabled();

    await user.click(screen.getByRole("checkbox", { name: "Site" }));
    await user.click(screen.getByRole("checkbox", { name: "Notes" }));
    expect(shown()).toBe("name,disk,notes");
    expect(readColumnChoice(KEY)).toEqual({ site: false, disk: true, notes: true });

    await user.click(screen.getByRole("button", { name: /Reset/ }));
    await waitFor(() => expect(shown()).toBe("name,site,disk"));
    expect(window.localStorage.getItem(KEY)).toBeNull();
  });

  it("ignores a stored choice it cannot read", () => {
    window.localStorage.setItem(KEY, "{not json");
    renderWithProviders(<Harness />);
    expect(shown()).toBe("name,site,disk");
  });

  it("never hides a locked column and gives a column added later its default", () => {
    window.localStorage.setItem(KEY, JSON.stringify({ name: false, site: false, disk: "yes" }));
    renderWithProviders(<Harness columns={[...COLUMNS, { id: "agent", header: "Agent" }]} />);
    expect(shown()).toBe("name,disk,agent");
  });
});
