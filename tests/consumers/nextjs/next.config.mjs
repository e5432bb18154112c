// This app sits inside another project's folder; the root says where it starts. Nothing here is
// for basiq-jobs.
export default { turbopack: { root: import.meta.dirname } };
