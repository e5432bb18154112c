import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The usual React setup; nothing here is for basiq-jobs.
export default defineConfig({ plugins: [react()] });
