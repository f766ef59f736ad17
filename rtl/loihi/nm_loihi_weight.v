// nm_loihi_weight - one synapse's contribution x to its dendritic accumulator
// (docs/loihi-core.md section 4.1): sign mode, LSB truncation to 1..8 weight bits,
// then scaling by 2^(6 + WGT_EXP), per weight. Purely combinational.
module nm_loihi_weight (
  input  wire [7:0]  wgt_i,       // SYN.WGT, the 8-bit mantissa W
  input  wire [1:0]  sign_i,      // SYNFMT.SIGN: 0 null, 1 mixed, 2 excitatory, 3 inhibitory
  input  wire [2:0]  nbits_m1_i,  // SYNFMT.NBITS_M1: effective weight bits - 1
  input  wire [3:0]  wgt_exp_i,   // SYNFMT.WGT_EXP, signed -8 .. 7
  output wire [23:0] x_o          // signed; |x| <= 2^21
);
  // wv: 10-bit signed (mixed: 2 * sext8(W) in -256 .. 254; excitatory W; inhibitory -W)
  reg [9:0] wv;
  reg [3:0] k;                        // truncated LSBs, 0 .. 8
  always @* begin
    case (sign_i)
      2'd1: begin wv = {wgt_i[7], wgt_i, 1'b0};          k = 4'd8 - {1'b0, nbits_m1_i}; end
      2'd2: begin wv = {2'b00, wgt_i};                   k = 4'd7 - {1'b0, nbits_m1_i}; end
      2'd3: begin wv = 10'd0 - {2'b00, wgt_i};           k = 4'd7 - {1'b0, nbits_m1_i}; end
      default: begin wv = 10'd0;                         k = 4'd0; end
    endcase
  end
  // (wv >> k) << k with a floor shift is wv with its k low bits cleared
  wire [9:0]  wt   = wv & (10'h3ff << k);
  wire [23:0] wt_x = {{14{wt[9]}}, wt};
  // e = 6 + WGT_EXP in -2 .. 13: left shift for e >= 0, floor (arithmetic) shift for e < 0
  wire [4:0]  e    = 5'd6 + {wgt_exp_i[3], wgt_exp_i};
  wire [4:0]  ne   = 5'd0 - e;
  // (the arithmetic shift gets its own signed wire: inside a ?: with an unsigned operand
  // it would turn into a logical one)
  wire signed [23:0] wt_s = wt_x;
  wire signed [23:0] x_right = wt_s >>> ne;
  wire        [23:0] x_left  = wt_x << e;
  assign x_o = e[4] ? x_right : x_left;
endmodule
