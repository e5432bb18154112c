//! The web shell: the only code that touches JS. It carries out what the core decides.
