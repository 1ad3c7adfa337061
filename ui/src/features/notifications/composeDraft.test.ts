import { describe, expect, it } from "vitest";
import { phase } from "../../test/mail";
import { campaignProblem, emptyCampaignDraft, toNewCampaign, withDefaults, type CampaignDraft } from "./composeDraft";

const ready = (over: Partial<CampaignDraft> = {}): CampaignDraft => ({ ...emptyCampaignDraft(), releaseId: "4", phase: "2", ...over });

describe("campaign draft", () => {
  it("asks for a release and a phase first", () => {
    expect(campaignProblem(emptyCampaignDraft(), null)).toBe("Choose a release.");
    expect(campaignProblem({ ...emptyCampaignDraft(), releaseId: "4" }, null)).toBe("Choose a phase.");
    expect(campaignProblem(ready(), phase(1))).toBeNull();
  });

  it("sends now with no flag or reminder as nulls, and trims the name", () => {
    expect(toNewCampaign(ready({ name: "  " }))).toEqual({
      releaseId: 4,
      phase: 2,
      kind: "announcement",
      name: null,
      sendAt: null,
      flag: null,
      reminder: null,
    });
    expect(toNewCampaign(ready({ name: " Heads-up " })).name).toBe("Heads-up");
  });

  it("fills the flag and reminder from the kind's defaults, and turns them off when there are none", () => {
    const d = withDefaults(ready(), [
      { text: "Leave your computer on tonight", dueAt: null },
      { title: "Leave it on", date: null, time: "16:30", minutes: 15 },
    ]);
    expect(d).toMatchObject({ flagOn: true, flagText: "Leave your computer on tonight", flagDue: "", reminderOn: true, reminderTitle: "Leave it on" });
    expect(toNewCampaign(d)).toMatchObject({
      flag: { text: "Leave your computer on tonight", dueAt: null },
      reminder: { title: "Leave it on", date: null, time: "16:30", minutes: 15 },
    });
    const off = withDefaults(d, [null, null]);
    expect(off.flagOn).toBe(false);
    expect(off.reminderOn).toBe(false);
    expect(toNewCampaign(off)).toMatchObject({ flag: null, reminder: null });
  });

  it("turns a local send time into an instant and checks the reminder's fields", () => {
    const later = ready({ sendLater: true, sendAt: "2026-12-08T09:00" });
    expect(toNewCampaign(later).sendAt).toBe(new Date("2026-12-08T09:00").toISOString().replace(".000Z", "Z"));
    expect(campaignProblem(ready({ sendLater: true, sendAt: "" }), null)).toMatch(/date and time to send/);
    const reminder = ready({ reminderOn: true, reminderTitle: "On tonight", reminderTime: "16:30", reminderMinutes: "15" });
    expect(campaignProblem({ ...reminder, reminderTime: "4:30pm" }, null)).toMatch(/HH:MM/);
    expect(campaignProblem({ ...reminder, reminderMinutes: "2" }, null)).toMatch(/5 to 1,440 minutes/);
    expect(campaignProblem({ ...reminder, reminderTitle: " " }, null)).toMatch(/reminder's title/);
    expect(campaignProblem(ready({ flagOn: true, flagText: "" }), null)).toMatch(/flag's text/);
  });

  it("needs a date for an overnight reminder when the phase has no overnight date", () => {
    const overnight = ready({ kind: "overnight", reminderOn: true, reminderTitle: "On tonight" });
    expect(campaignProblem(overnight, phase(1, { overnightDate: null }))).toMatch(/Phase 2 has no overnight date/);
    expect(campaignProblem({ ...overnight, reminderDate: "2026-12-10" }, phase(1, { overnightDate: null }))).toBeNull();
    expect(campaignProblem(overnight, phase(1, { overnightDate: "2026-12-10" }))).toBeNull();
  });
});
