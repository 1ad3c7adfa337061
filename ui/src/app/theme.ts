import { createTheme } from "@mantine/core";

// A calm blue for an admin tool; Mantine's default system font stack (no remote fonts).
export const theme = createTheme({
  primaryColor: "blue",
  primaryShade: { light: 7, dark: 5 },
  defaultRadius: "sm",
  cursorType: "pointer",
  focusRing: "auto",
  fontSizes: { xs: "0.75rem", sm: "0.8125rem", md: "0.875rem", lg: "1rem", xl: "1.125rem" },
  headings: { fontWeight: "600" },
  components: {
    Button: { defaultProps: { size: "sm" } },
    NativeSelect: { defaultProps: { size: "sm" } },
    TextInput: { defaultProps: { size: "sm" } },
    Tooltip: { defaultProps: { openDelay: 300, withArrow: true } },
    Table: { defaultProps: { verticalSpacing: 6, horizontalSpacing: "sm", fz: "sm" } },
    Badge: { defaultProps: { radius: "sm" } },
  },
});
