"""The honest evaluation of a model bundle on the untouched test split.

    python -m training.evaluation [--model PATH] [--out-dir DIR] [--skip baseline,...]

One module per part of the report, imports pointing down:

- ``metrics``, ``groups``, ``perturb``: pure helpers (numbers, slices, text transforms);
- ``context``: the bundle and the test split scored once, shared by every section;
- sections: ``headline`` (and slices), ``roundtrips``, ``calibration``, ``learners``,
  ``leave_out`` (and ablation), ``seeds``, ``native_news``, ``shortcuts``, ``weights``,
  ``baseline``;
- ``report``: runs the sections and writes metrics.json and the model card;
- ``model_card`` (sections in ``_card_headline``, ``_card_studies``): renders the card
  from metrics.json alone (``python -m training.evaluation.model_card metrics.json``).

Nothing is imported here, so that a lower module (``training.baseline``) can
import ``training.evaluation.metrics`` without pulling in the whole report.
"""
