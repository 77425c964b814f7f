/* signer.c - placeholder until the module lands (issue 5). */
typedef int cc_signer_placeholder;
