/** What the planning module offers the rest of the server (explicit exports only). */
export {};
