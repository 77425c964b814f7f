/* statement.c - placeholder until the module lands (issue 5). */
typedef int cc_statement_placeholder;
