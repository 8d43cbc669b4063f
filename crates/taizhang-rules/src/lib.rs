//! placeholder: issue 5 rules engine
