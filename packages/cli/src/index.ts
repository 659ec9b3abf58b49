export { main } from "./main.js";
export { type RunSettings, settingsFrom as runSettings } from "./run-command.js";
