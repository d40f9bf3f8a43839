// User and group ids never contain ':' (conversation ids are built from them) nor whitespace.
export const ID_PATTERN = /^[^:\s]{1,128}$/;
