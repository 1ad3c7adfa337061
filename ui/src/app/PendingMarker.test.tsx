import { useQuery } from "@tanstack/react-query";
import { waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithProviders } from "../test/render";

function Slow({ until }: { until: Promise<number> }) {
  useQuery({ queryKey: ["slow"], queryFn: () => until });
  return null;
}

describe("pending marker", () => {
  it("counts the commands in flight on <html data-pending> and drops to 0 when they finish", async () => {
    let finish: (v: number) => void = () => {};
    const until = new Promise<number>((resolve) => {
      finish = resolve;
    });
    renderWithProviders(<Slow until={until} />);
    await waitFor(() => expect(document.documentElement.dataset.pending).toBe("1"));
    finish(1);
    await waitFor(() => expect(document.documentElement.dataset.pending).toBe("0"));
  });
});
