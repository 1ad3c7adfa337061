// The catalogue's closed vocabularies, as the core validates them (catalog::SEVERITIES,
// catalog::CLASSIFICATIONS). There is no facets command for updates yet.
export const SEVERITIES = ["Critical", "Important", "Moderate", "Low", "Unspecified"] as const;

export const CLASSIFICATIONS = [
  "Security Updates",
  "Critical Updates",
  "Update Rollups",
  "Service Packs",
  "Updates",
  "Feature Packs",
  "Definition Updates",
  "Drivers",
  "Tools",
] as const;

export const SEVERITY_COLORS: Record<string, string> = {
  Critical: "red",
  Important: "orange",
  Moderate: "yellow",
  Low: "blue",
  Unspecified: "gray",
};
