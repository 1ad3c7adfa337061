import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Person } from "../../bindings/Person";
import type { ReleaseStatus } from "../../bindings/ReleaseStatus";
import { mockCommands } from "../../test/ipc";
import { renderWithProviders } from "../../test/render";
import { ApprovalPanel } from "./ApprovalPanel";

const status = (over: Partial<ReleaseStatus>): ReleaseStatus => ({
  releaseId: 7,
  state: "scheduled",
  requester: "Rae Requester",
  requesterId: 1,
  required: 2,
  approvedBy: ["Avery", "Blair"],
  decisions: [],
  actions: ["start", "cancel"],
  reviewRequired: false,
  ...over,
});

const person = (roles: Person["roles"]): Person => ({ id: 5, name: "Quinn", email: "", osUser: "", roles });

function show(s: ReleaseStatus, me: Person, submitBlocked: string | null = null) {
  mockCommands({ release_status: () => s, release_timeline: () => [], operator_get: () => me });
  renderWithProviders(<ApprovalPanel releaseId={7} submitBlocked={submitBlocked} />);
}

describe("approval panel", () => {
  it("disables the steps the operator's roles do not allow, as the core would refuse them", async () => {
    show(status({}), person(["requester", "approver"]));
    expect(await screen.findByTestId("step-start")).toBeDisabled();
    expect(screen.getByTestId("step-cancel")).toBeDisabled();
  });

  it("lets a change manager take them", async () => {
    show(status({}), person(["changeManager"]));
    expect(await screen.findByTestId("step-start")).toBeEnabled();
  });

  it("keeps submit disabled while a blocking conflict stands", async () => {
    const draft = status({ state: "draft", actions: ["submit", "cancel"], requester: null, requesterId: null, approvedBy: [] });
    show(draft, person(["requester", "changeManager"]), "Resolve the blocking conflicts below before submitting.");
    expect(await screen.findByTestId("step-submit")).toBeDisabled();
  });
});
