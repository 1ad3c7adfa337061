import { useDebouncedValue, useHotkeys } from "@mantine/hooks";
import { useRef, useState } from "react";

/** A table's search box: the typed text, its debounced value, and Ctrl/Cmd+F or "/" to focus it. */
export function useSearchBox() {
  const [text, setText] = useState("");
  const ref = useRef<HTMLInputElement>(null);
  useHotkeys([
    ["mod+F", () => ref.current?.focus()],
    ["/", () => ref.current?.focus()],
  ]);
  const [search] = useDebouncedValue(text.trim(), 250);
  return { text, setText, ref, search };
}
