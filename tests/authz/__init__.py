"""The authorization matrix (issue 9, item 9): ``world`` builds the actors and the
objects, ``engine`` runs a case as every actor and checks the answer and the database,
``cases`` lists the cases of every URL pattern."""
